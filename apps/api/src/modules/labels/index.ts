export { ConversationLabel, Label } from './label.entity.js';
export { ConversationLabelsResolver, LabelResolver } from './label.resolver.js';
