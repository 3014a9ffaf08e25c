/**
 * `exists`: the one operator that sees absent attributes. Present means not missing and not `null`
 * (`""` is present); `negate` therefore means "absent". Values are ignored.
 */
export function attributeExists(attribute: unknown): boolean {
  return attribute !== undefined && attribute !== null;
}
