// Argument validation with class-validator, for type-graphql's `validateFn`.
//
// Same outcome as type-graphql's built-in `validate` with the settings in
// schema.ts (objects only, missing properties skipped, unknown values allowed,
// all errors reported, ArgumentValidationError on failure), but class-validator
// is imported once here: the built-in path runs `await import('class-validator')`
// for every validated argument, which costs a module resolution per request
// (a round trip to the loader thread when module hooks are registered).
import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, type ValidatorFn } from 'type-graphql';

const OPTIONS: ValidatorOptions = { forbidUnknownValues: false, stopAtFirstError: false, skipMissingProperties: true };

export const validateArgs: ValidatorFn = async (value) => {
  if (value === null || typeof value !== 'object') return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter((v) => v !== null && typeof v === 'object').map((v) => validateOrReject(v, OPTIONS)));
    else await validateOrReject(value, OPTIONS);
  } catch (err) {
    throw new ArgumentValidationError(err as ValidationError[]);
  }
};
