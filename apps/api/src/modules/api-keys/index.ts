// Partner API keys (hashed, scoped).
export { ApiKey } from './api-key.entity.js';
