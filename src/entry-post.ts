import { runPostAction } from './action/post.js'
import { githubInput, githubPlatform } from './platforms/github.js'

void runPostAction(githubPlatform(), githubInput)
