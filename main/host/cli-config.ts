// `dataspace config get|set|list`: engine settings (store/engine-settings.ts); every change is audited.
import type { Engine } from '../engine.ts';
import { ENGINE_SETTINGS, ENGINE_SETTING_FAMILIES, settingDefinition } from '../store/engine-settings.ts';
import type { CliIo } from './cli.ts';

const CONFIG_USAGE = 'Usage: dataspace config list | dataspace config get KEY | dataspace config set KEY VALUE';

export async function runConfigCommand(engine: Engine, args: string[], json: boolean, io: CliIo): Promise<number> {
  const [sub, key, value, ...extra] = args;
  if (sub === 'list' && key === undefined) {
    const settings = Object.entries(ENGINE_SETTINGS).map(([k, d]) => ({
      key: k,
      value: engine.getSetting(k),
      defaultValue: d.defaultValue,
      description: d.description,
    }));
    // Families (dicom.mrn-system.<issuer>): every stored member.
    for (const [prefix, d] of Object.entries(ENGINE_SETTING_FAMILIES)) {
      for (const [k, v] of Object.entries(engine.getSettingFamily(prefix))) {
        settings.push({ key: k, value: v, defaultValue: d.defaultValue, description: d.description });
      }
    }
    if (json) io.out(JSON.stringify({ settings }));
    else for (const s of settings) io.out(`${s.key} = ${s.value ?? `${s.defaultValue} (default)`}\n  ${s.description}`);
    return 0;
  }
  if (sub === 'get' && key !== undefined && value === undefined) {
    const stored = engine.getSetting(key);
    const effective = stored ?? settingDefinition(key).defaultValue;
    if (json) io.out(JSON.stringify({ setting: { key, value: stored, effective } }));
    else io.out(stored === null ? `${effective} (default)` : stored);
    return 0;
  }
  if (sub === 'set' && key !== undefined && value !== undefined && extra.length === 0) {
    engine.setSetting(key, value);
    if (json) io.out(JSON.stringify({ setting: { key, value, effective: value } }));
    else io.out(`${key} = ${value}`);
    return 0;
  }
  io.err(CONFIG_USAGE);
  return 2;
}
