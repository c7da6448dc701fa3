// Teams of agents and how their conversations are assigned. Other modules
// see the entities only (conversations reference a team); the resolvers,
// which read conversations, are wired by app/ from team.resolver.ts.
export { AssignmentPolicy, Team, TeamMember } from './team.entity.js';
