// Headless hosts unlock the pseudonymisation key with a passphrase: DATASPACE_PASSPHRASE, or a
// prompt on an interactive terminal. Nothing is echoed and nothing is logged.
import { createInterface } from 'node:readline';
import { passphraseKeyProtector, type KeyProtector } from '../store/key-protector.ts';
import { EngineSetupError } from '../util/errors.ts';

async function promptHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput?: (s: string) => void };
  let asked = false;
  output._writeToOutput = (s: string) => {
    if (!asked) {
      process.stderr.write(s);
      asked = true;
    }
  };
  try {
    return await new Promise((resolve) => rl.question(question, resolve));
  } finally {
    process.stderr.write('\n');
    rl.close();
  }
}

/** The key protector for CLI and web hosts. */
export async function headlessKeyProtector(env: NodeJS.ProcessEnv = process.env): Promise<KeyProtector> {
  const fromEnv = env.DATASPACE_PASSPHRASE;
  if (fromEnv) return passphraseKeyProtector(fromEnv);
  if (process.stdin.isTTY) return passphraseKeyProtector(await promptHidden('Data folder passphrase: '));
  throw new EngineSetupError(
    'No passphrase: set DATASPACE_PASSPHRASE or run in an interactive terminal to be prompted.',
    'passphrase-required',
  );
}
