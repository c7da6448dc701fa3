// Retention: deletes refresh tokens that expired or were revoked/rotated more
// than `graceDays` ago, and invitations that expired unused.
import { forkFor } from '../../platform/database.js';
import { QUEUES, type JobDefinition } from '../../platform/queue.js';
import { RefreshToken } from './refresh-token.entity.js';
import { User, UserStatus } from './user.entity.js';

export interface PurgeTokensData {
  graceDays: number;
}

export const purgeTokensJob: JobDefinition<PurgeTokensData> = {
  name: 'auth.purge-tokens',
  queue: QUEUES.maintenance,
  async handle({ graceDays }, { orm, logger }) {
    const em = forkFor(orm, null);
    const cutoff = new Date(Date.now() - graceDays * 86400_000);
    const noTenant = { filters: false } as const;
    const tokens = await em.nativeDelete(
      RefreshToken,
      { $or: [{ expiresAt: { $lt: cutoff } }, { revokedAt: { $lt: cutoff } }, { rotatedAt: { $lt: cutoff } }] },
      noTenant,
    );
    const invites = await em.nativeDelete(User, { status: UserStatus.INVITED, inviteExpiresAt: { $lt: cutoff } }, noTenant);
    logger.info({ tokens, invites }, 'purged expired credentials');
    return { tokens, invites };
  },
};
