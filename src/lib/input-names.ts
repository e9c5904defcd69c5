/**
 * How messages name an input: as the action's input ("caCertificate") or, in the CLI, as its flag
 * ("--ca-certificate"). The front-end that reads the inputs decides and passes its namer down (Config.inputName);
 * nothing here is process-wide, so a CLI run never renames the action's messages. Messages call it only where they
 * refer to an input, so a secret key that happens to be called "password" is never renamed.
 */
export type InputNamer = (input: string) => string

/** The action's own names (its inputs as action.yml declares them). */
export const actionInputName: InputNamer = (input) => input
