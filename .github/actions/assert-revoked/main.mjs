// Nothing to do before the action runs: the check is the post step (post.mjs).
process.stdout.write('will check, after the action under test has cleaned up, that no token of the role is left\n')
