import { TillboxError } from './errors.js';

/**
 * For `import('pkg').catch(optionalMissing('pkg', 'what needs it'))`: packages only the demo or
 * head office use are optionalDependencies (a box installs with --omit=optional), so a missing
 * one gets a coded error naming the fix instead of ERR_MODULE_NOT_FOUND with a stack.
 */
export function optionalMissing(pkg: string, neededBy: string): (err: unknown) => never {
  return (err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new TillboxError('TBX_OPTIONAL_DEP_MISSING', `${neededBy} needs the optional package '${pkg}', which is not installed (a box install leaves it out): run 'npm install ${pkg}' in the tillbox directory, or use a full install (npm ci)`, { cause: err });
    }
    throw err;
  };
}
