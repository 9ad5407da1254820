import { getMetadataStorage } from 'class-validator';

/** The parts of a class-validator (0.15) ValidationMetadata this module reads. */
interface Rule {
  type: string;
  target: (new () => unknown) | string;
  propertyName: string;
  constraints: unknown[];
  constraintCls?: unknown;
  each?: boolean;
  validateIf?: (object: object, value: unknown) => boolean;
}

/** A registered constraint: the built-in `isString`, `max`, … or a custom one. */
interface Constraint {
  async?: boolean;
  instance: { validate(value: unknown, args: unknown): unknown };
}

interface Storage {
  getTargetValidationMetadatas(
    target: unknown,
    schema: string | undefined,
    always: boolean,
    strictGroups: boolean,
    groups?: string[],
  ): Rule[];
  groupByPropertyName(metadata: readonly Rule[]): Record<string, Rule[]>;
  getTargetValidatorConstraints(target: unknown): Constraint[];
}

interface CheckedRule {
  rule: Rule;
  constraints: Constraint[];
}

/** One property's rules, split as class-validator's executor splits them. */
interface PropertyPlan {
  name: string;
  conditional: Rule[];
  checks: CheckedRule[];
  nested: Rule[];
}

interface ClassPlan {
  /** Properties that have any rule (the whitelist). */
  allowed: Record<string, true>;
  properties: PropertyPlan[];
}

// class-validator's ValidationTypes (0.15).
const CUSTOM = 'customValidation';
const NESTED = 'nestedValidation';
const CONDITIONAL = 'conditionalValidation';
const IS_DEFINED = 'isDefined';
const WHITELIST = 'whitelistValidation';

const storage = getMetadataStorage() as unknown as Storage;
/** Keyed by the (memoised, frozen) rule list of a class: new rules give a new list, hence a new plan. */
const plans = new WeakMap<readonly Rule[], ClassPlan | null>();

/**
 * The accepting half of class-validator, without its error objects: true when
 * `validate(object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true })` (no
 * groups, no skip options: the options of the gateway's body pipe and of `validateDto`) would return no
 * errors. false means "not known to pass": the caller then runs class-validator itself, which words the
 * 400. It reads the same decorator metadata and calls the same constraint functions in the same order as
 * class-validator's `ValidationExecutor`, so there is one source of rules; what it saves is the
 * `ValidationError`, five filtered arrays and a constraint lookup per declared property that
 * class-validator builds on every call, sent or not: a valid `/v1` body costs 13.9 µs there and 1.9 µs here
 * (`bench/validation/validation.bench.ts`; ADR 0007).
 * A class with a rule it does not model (async constraints, promise validation) always answers false.
 */
export function passesValidation(object: object): boolean {
  return executes(object, undefined);
}

function executes(object: object, schema: string | undefined): boolean {
  const rules = storage.getTargetValidationMetadatas(object.constructor, schema, false, false, undefined);
  if (!rules.length) return false; // forbidUnknownValues
  let plan = plans.get(rules);
  if (plan === undefined) {
    plan = Object.isFrozen(rules) ? compile(rules) : null;
    plans.set(rules, plan);
  }
  if (!plan) return false;
  for (const key of Object.keys(object)) if (plan.allowed[key] !== true) return false;
  const record = object as Record<string, unknown>;
  for (const p of plan.properties) if (!performs(record, record[p.name], p.conditional, p.checks, p.nested)) return false;
  return true;
}

function compile(rules: readonly Rule[]): ClassPlan | null {
  const grouped = storage.groupByPropertyName(rules);
  const allowed: Record<string, true> = Object.create(null);
  const properties: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(grouped)) {
    if (list.length) allowed[name] = true;
    const conditional: Rule[] = [];
    const defined: CheckedRule[] = [];
    const custom: CheckedRule[] = [];
    const nested: Rule[] = [];
    for (const rule of list) {
      if (rule.type === WHITELIST) continue;
      if (rule.type === CONDITIONAL) conditional.push(rule);
      else if (rule.type === NESTED) nested.push(rule);
      else if (rule.type === CUSTOM || rule.type === IS_DEFINED) {
        const constraints = storage.getTargetValidatorConstraints(rule.constraintCls);
        if (constraints.some((c) => c.async)) return null;
        (rule.type === IS_DEFINED ? defined : custom).push({ rule, constraints });
      } else return null; // promise validation, or a type this module does not know
    }
    // class-validator's order: the conditions (IsOptional, ValidateIf) may skip the rest; then IsDefined, the constraints, nested objects.
    properties.push({ name, conditional, checks: [...defined, ...custom], nested });
  }
  return { allowed, properties };
}

/** class-validator's `performValidations` for one value. */
function performs(object: object, value: unknown, conditional: Rule[], checks: CheckedRule[], nested: Rule[]): boolean {
  for (const rule of conditional) if (!(rule.constraints[0] as (o: object, v: unknown) => boolean)(object, value)) return true;
  for (const c of checks) if (!passes(object, value, c)) return false;
  return nestedPass(value, nested);
}

function passes(object: object, value: unknown, { rule, constraints }: CheckedRule): boolean {
  if (rule.validateIf && !rule.validateIf(object, value)) return true;
  for (const constraint of constraints) {
    const args = {
      targetName: object.constructor ? object.constructor.name : undefined,
      property: rule.propertyName,
      object,
      value,
      constraints: rule.constraints,
    };
    if (!rule.each || !(Array.isArray(value) || value instanceof Set || value instanceof Map)) {
      if (!isTrue(constraint.instance.validate(value, args))) return false;
    } else {
      const items = value instanceof Map ? Array.from(value.values()) : Array.isArray(value) ? value : Array.from(value);
      for (const item of items) if (!isTrue(constraint.instance.validate(item, args))) return false;
    }
  }
  return true;
}

/** A promise (an async result) is not known to pass. */
function isTrue(result: unknown): boolean {
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') return false;
  return !!result;
}

/** class-validator's `nestedValidations`: arrays, sets and maps item by item, objects by their own class's rules. */
function nestedPass(value: unknown, nested: Rule[]): boolean {
  if (value === undefined) return true;
  for (const rule of nested) {
    if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
      const items = value instanceof Set ? Array.from(value) : value;
      for (const item of items instanceof Map ? items.values() : items) if (!performs(value, item, [], [], nested)) return false;
    } else if (value instanceof Object) {
      if (!executes(value, typeof rule.target === 'string' ? rule.target : rule.target.name)) return false;
    } else return false;
  }
  return true;
}
