// End customers.
export { Contact } from './contact.entity.js';
