/** Where the core writes what it is doing. Platforms adapt it (GitHub annotations, plain stderr). */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  isDebug(): boolean
}
