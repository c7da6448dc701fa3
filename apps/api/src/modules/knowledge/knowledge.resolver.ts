import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ADMIN_ONLY, scope, STAFF } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { workspaceActor } from '../../platform/actor.js';
import { ConnectionType, DEFAULT_PAGE_SIZE, ForwardPageArgs, type Connection } from '../../platform/pagination.js';
import { Faq, FaqStatus } from './faq.entity.js';
import { FaqCategory } from './faq-category.entity.js';
import { CreateFaqCategoryInput, CreateFaqInput, FaqFilter, UpdateFaqInput } from './knowledge.inputs.js';
import { KnowledgeService } from './knowledge.service.js';

const FaqConnection = ConnectionType(Faq);

@Resolver(() => Faq)
export class KnowledgeResolver {
  @Authorized([...STAFF, scope('knowledge:read')])
  @Query(() => [FaqCategory])
  faqCategories(@Ctx() ctx: Context): Promise<FaqCategory[]> {
    return new KnowledgeService(ctx).categories();
  }

  @Authorized([...STAFF, scope('knowledge:read')])
  @Query(() => FaqConnection)
  faqs(
    @Args() page: ForwardPageArgs,
    @Arg('filter', () => FaqFilter, { nullable: true }) filter: FaqFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Connection<Faq>> {
    return new KnowledgeService(ctx).list(filter, page.first ?? DEFAULT_PAGE_SIZE, page.after);
  }

  @Authorized([...STAFF, scope('knowledge:read')])
  @Query(() => Faq)
  faq(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Faq> {
    return new KnowledgeService(ctx).get(id);
  }

  @Authorized([...ADMIN_ONLY, scope('knowledge:write')])
  @Mutation(() => FaqCategory)
  createFaqCategory(@Arg('input') input: CreateFaqCategoryInput, @Ctx() ctx: Context): Promise<FaqCategory> {
    return new KnowledgeService(ctx).createCategory(workspaceActor(ctx.actor), input);
  }

  @Authorized([...ADMIN_ONLY, scope('knowledge:write')])
  @Mutation(() => Faq, { description: 'Creates a DRAFT entry.' })
  createFaq(@Arg('input') input: CreateFaqInput, @Ctx() ctx: Context): Promise<Faq> {
    return new KnowledgeService(ctx).create(workspaceActor(ctx.actor), input);
  }

  @Authorized([...ADMIN_ONLY, scope('knowledge:write')])
  @Mutation(() => Faq)
  updateFaq(@Arg('input') input: UpdateFaqInput, @Ctx() ctx: Context): Promise<Faq> {
    return new KnowledgeService(ctx).update(workspaceActor(ctx.actor), input);
  }

  @Authorized([...ADMIN_ONLY, scope('knowledge:write')])
  @Mutation(() => Faq, { description: 'Makes the entry available to the AI assistant and search.' })
  publishFaq(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Faq> {
    return new KnowledgeService(ctx).setStatus(workspaceActor(ctx.actor), id, FaqStatus.PUBLISHED);
  }

  @Authorized([...ADMIN_ONLY, scope('knowledge:write')])
  @Mutation(() => Faq)
  archiveFaq(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Faq> {
    return new KnowledgeService(ctx).setStatus(workspaceActor(ctx.actor), id, FaqStatus.ARCHIVED);
  }

  @FieldResolver(() => FaqCategory, { nullable: true })
  category(@Root() faq: Readonly<Faq>, @Ctx() ctx: Context) {
    return faq.category ? ctx.loaders.faqCategory.load(faq.category.id) : null;
  }
}
