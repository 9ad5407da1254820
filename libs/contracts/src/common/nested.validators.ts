import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';

type Decorators = PropertyDecorator[];

/** Applied bottom-up, as the same decorators stacked on the property would be. */
function all(rules: Decorators): PropertyDecorator {
  return (target, key) => [...rules].reverse().forEach((rule) => rule(target, key));
}

/**
 * One nested object (e.g. `options`): a JSON object whose fields follow `type`'s rules. class-validator's
 * `ValidateNested` alone walks an array in that place item by item, so `"options": []` passed and reached
 * the handler; `IsObject` refuses arrays. Both rules share one message, said once ("options must be an object").
 * Use this, not the three decorators, wherever a single object is nested.
 */
export function NestedObject(type: () => new () => object, message = '$property must be an object'): PropertyDecorator {
  return all([IsObject({ message }), ValidateNested({ message }), Type(type)]);
}

/**
 * Every item of an array is one nested object of `type` (e.g. `messages`, `images`); the array's own rules
 * (IsArray, sizes, IsOptional) stay at the property. An item that is an array (`[[]]`) is refused, as
 * {@link NestedObject} refuses one in place of an object.
 */
export function NestedObjects(type: () => new () => object, message = '$property must hold only objects'): PropertyDecorator {
  return all([IsObject({ each: true, message }), ValidateNested({ each: true, message }), Type(type)]);
}
