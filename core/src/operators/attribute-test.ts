/**
 * The compiled form of one operator with its values: decides whether the operator holds for a
 * present attribute. Returns `undefined` when the attribute has a type the operator does not accept:
 * such a condition never matches, negated or not (spec: "Conditions").
 */
export type AttributeTest = (attribute: unknown) => boolean | undefined;
