/** Global setup of the `openbao` Jest project (see global-setup.mjs). */
import { setUpServer } from './global-setup.mjs'

/** @param {unknown} _global @param {{ rootDir: string }} project */
export default function globalSetup(_global, project) {
  setUpServer('openbao', project.rootDir)
}
