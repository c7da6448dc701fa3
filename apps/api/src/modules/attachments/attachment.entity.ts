import { type Ref } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { TenantScoped } from '../../platform/tenant.js';
import { User } from '../auth/index.js';
import { Contact } from '../contacts/index.js';
import { Conversation, Message } from '../conversations/index.js';
import { TenantEntity } from '../workspaces/index.js';

/**
 * A file a customer or an agent uploaded into a conversation. Unsent until a
 * message links it (`message` null); the bytes live in the attachment
 * storage under `storageKey`, never in the database.
 */
@ObjectType({ description: 'A file attached to a message (an image or a PDF).' })
@Entity()
@TenantScoped()
@Index({ properties: ['message'] })
@Index({ properties: ['conversation'] })
export class Attachment extends TenantEntity<'message' | 'uploaderUser' | 'uploaderContact'> {
  @ManyToOne(() => Conversation, { ref: true, deleteRule: 'cascade' })
  conversation!: Ref<Conversation>;

  /** Null until a message is sent with it. */
  @ManyToOne(() => Message, { ref: true, nullable: true, deleteRule: 'cascade' })
  message?: Ref<Message> | null;

  /** Who uploaded it: a staff user or the customer (exactly one of the two). */
  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  uploaderUser?: Ref<User> | null;

  @ManyToOne(() => Contact, { ref: true, nullable: true, deleteRule: 'set null' })
  uploaderContact?: Ref<Contact> | null;

  @Field({ description: 'The file name given by the uploader (path parts removed).' })
  @Property({ type: 'string', length: 255 })
  filename!: string;

  @Field({ description: 'The type sniffed from the bytes (image/png, image/jpeg, image/gif, image/webp, application/pdf).' })
  @Property({ type: 'string', length: 100 })
  contentType!: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  @Property({ type: 'integer' })
  size!: number;

  /** Hex SHA-256 of the bytes. */
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'string', length: 200 })
  storageKey!: string;
}
