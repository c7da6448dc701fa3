import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { ADMIN_ONLY } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { ContactDataService } from './contact-data.service.js';

@Resolver()
export class ContactResolver {
  @Authorized(ADMIN_ONLY)
  @Mutation(() => GraphQLJSONObject, { description: 'Everything held about a customer (data access request). Audited.' })
  exportContactData(@Arg('contactId', () => ID) contactId: string, @Ctx() ctx: Context): Promise<Record<string, unknown>> {
    return new ContactDataService(ctx).export(contactId);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => Boolean, {
    description: 'Erases a customer’s personal data (name, email, their messages’ text, comments); anonymised metrics are kept. Audited.',
  })
  eraseContact(@Arg('contactId', () => ID) contactId: string, @Ctx() ctx: Context): Promise<boolean> {
    return new ContactDataService(ctx).erase(contactId);
  }
}
