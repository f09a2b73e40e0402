// Gives a class the shape Web IDL gives an interface object, which class syntax alone does not.

import { defineProperty, getOwnPropertyDescriptor } from './intrinsics.js';

export function defineInterfaceShape(
  interfaceObject: abstract new (...args: never[]) => unknown,
  name: string,
  members: readonly string[],
): void {
  // Minifiers rename classes; the interface's name must survive them.
  defineProperty(interfaceObject, 'name', { value: name, configurable: true });
  const prototype = interfaceObject.prototype as object;
  // Web IDL attributes and operations are enumerable; class members are not.
  for (const member of members) {
    const descriptor = getOwnPropertyDescriptor(prototype, member)!;
    descriptor.enumerable = true;
    defineProperty(prototype, member, descriptor);
  }
  defineProperty(prototype, Symbol.toStringTag, { value: name, configurable: true });
}
