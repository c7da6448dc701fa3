import { ArrayMinSize, IsEnum, Length, Matches } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ADMIN_ONLY } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { ApiKey, ApiScope } from './api-key.entity.js';
import { ApiKeyService } from './api-key.service.js';

@InputType()
class CreateApiKeyInput {
  @Field()
  @Length(1, 120)
  @Matches(/\S/, { message: 'must not be blank' })
  name!: string;

  @Field(() => [ApiScope])
  @ArrayMinSize(1)
  @IsEnum(ApiScope, { each: true })
  scopes!: ApiScope[];
}

@ObjectType()
class CreatedApiKey {
  @Field({ description: 'Shown only now. Send as `Authorization: Bearer sk_…` or `x-api-key`.' })
  secret!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

@Resolver()
export class ApiKeyResolver {
  @Authorized(ADMIN_ONLY)
  @Query(() => [ApiKey])
  apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return new ApiKeyService(ctx).list();
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => CreatedApiKey)
  createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreatedApiKey> {
    return new ApiKeyService(ctx).create(input.name, input.scopes);
  }

  @Authorized(ADMIN_ONLY)
  @Mutation(() => ApiKey, { description: 'Takes effect on the next request.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return new ApiKeyService(ctx).revoke(id);
  }
}
