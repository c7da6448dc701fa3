// Staff users and credentials. Other modules see the User entity and the token helpers.
export { announceRevocation } from './principals.js';
export { randomToken, sha256 } from './tokens.js';
export { User, UserRole, UserStatus } from './user.entity.js';
