import { runAction } from './action/main.js'
import { githubInput, githubPlatform } from './platforms/github.js'

void runAction(githubPlatform(), githubInput, process.env)
