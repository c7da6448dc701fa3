// DataLoaders, created per request: a list's relations cost one query per
// relation, whatever the number of rows.
import DataLoader from 'dataloader';
import type { EntityClass } from '@mikro-orm/core';
import type { Em } from '../platform/database.js';
import { findLeanByIds } from '../platform/lean.js';
import { ApiKey } from '../modules/api-keys/api-key.entity.js';
import { User } from '../modules/auth/user.entity.js';
import { Contact } from '../modules/contacts/contact.entity.js';
import { Conversation } from '../modules/conversations/conversation.entity.js';
import { Faq } from '../modules/knowledge/faq.entity.js';
import { FaqCategory } from '../modules/knowledge/faq-category.entity.js';
import { Message } from '../modules/conversations/message.entity.js';
import { Workspace } from '../modules/workspaces/workspace.entity.js';

export function byIdLoader<T extends { id: string }>(em: Em, entity: EntityClass<T>, unscoped = false): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await findLeanByIds(em, entity, ids, { unscoped });
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** Per-request loaders, each created on first use (a request needs a few of them at most). */
export class RequestLoaders {
  #user?: DataLoader<string, User | null>;
  #contact?: DataLoader<string, Contact | null>;
  #conversation?: DataLoader<string, Conversation | null>;
  #faqCategory?: DataLoader<string, FaqCategory | null>;
  #faq?: DataLoader<string, Faq | null>;
  #workspace?: DataLoader<string, Workspace | null>;
  #message?: DataLoader<string, Message | null>;
  #apiKey?: DataLoader<string, ApiKey | null>;

  constructor(private readonly em: Em) {}

  get user() {
    return (this.#user ??= byIdLoader(this.em, User));
  }
  get contact() {
    return (this.#contact ??= byIdLoader(this.em, Contact));
  }
  get conversation() {
    return (this.#conversation ??= byIdLoader(this.em, Conversation));
  }
  get faqCategory() {
    return (this.#faqCategory ??= byIdLoader(this.em, FaqCategory));
  }
  get faq() {
    return (this.#faq ??= byIdLoader(this.em, Faq));
  }
  /**
   * Reached only through an entity the caller was already allowed to read
   * (e.g. the user returned by logIn, before any workspace is in scope).
   */
  get workspace() {
    return (this.#workspace ??= byIdLoader(this.em, Workspace, true));
  }
  get message() {
    return (this.#message ??= byIdLoader(this.em, Message));
  }
  get apiKey() {
    return (this.#apiKey ??= byIdLoader(this.em, ApiKey));
  }
}

export function createLoaders(em: Em): RequestLoaders {
  return new RequestLoaders(em);
}

declare module '../platform/context.js' {
  // Request scopes carry these loaders (platform/context.ts declares the empty interface).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends RequestLoaders {}
}
