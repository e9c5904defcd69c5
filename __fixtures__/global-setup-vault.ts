/** Global setup of the `vault` Jest project (see global-setup.ts). */
import { setUpServer, type ProjectRoot } from './global-setup.js'

export default function globalSetup(_global: unknown, project: ProjectRoot): void {
  setUpServer('vault', project.rootDir)
}
