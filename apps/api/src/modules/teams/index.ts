export { AssignmentPolicy, Team, TeamMember } from './team.entity.js';
export { ConversationTeamResolver, TeamsResolver } from './team.resolver.js';
export { publishRouting, routeHandoff, type Routing } from './team.routing.js';
