// Failed background jobs: visible to admins, and retried on request.
import { enqueueWith } from '../../platform/outbox.js';
import type { Scope } from '../../platform/context.js';
import { staff } from '../../platform/actor.js';
import { conflict, notFound } from '../../platform/errors.js';
import { assertId } from '../../platform/ids.js';
import { audit } from '../audit/index.js';
import { JobFailure } from './job-failure.entity.js';

export class JobsService {
  constructor(private readonly scope: Scope) {}

  failed(): Promise<JobFailure[]> {
    return this.scope.em.find(JobFailure, { retriedAt: null }, { orderBy: { failedAt: 'desc' }, limit: 200 });
  }

  async retry(id: string): Promise<JobFailure> {
    const me = staff(this.scope.actor);
    assertId(id);
    const failure = await this.scope.em.findOne(JobFailure, { id });
    if (!failure) throw notFound('Failed job');
    if (failure.retriedAt) throw conflict('This job was already retried');
    const job = this.scope.deps.jobDefinitions.get(failure.name);
    if (!job) throw notFound('Job type');
    failure.retriedAt = new Date();
    audit(this.scope, me.workspaceId, { action: 'job.retry', targetType: 'JobFailure', targetId: failure.id, metadata: { job: failure.name } });
    const entry = enqueueWith(this.scope.em, job, failure.data as never, { jobId: `retry-${failure.id}` });
    await this.scope.em.flush();
    await this.scope.deps.outbox.dispatch([entry]);
    return failure;
  }
}
