/**
 * How messages name an input: as the action's input ("caCertificate") or, in the CLI, as its flag
 * ("--ca-certificate"). The CLI sets the naming once when it starts; messages call inputName() where they
 * refer to an input, so a secret key that happens to be called "password" is never renamed.
 */
let naming = (input: string): string => input

export function nameInputs(fn: (input: string) => string): void {
  naming = fn
}

export function inputName(input: string): string {
  return naming(input)
}
