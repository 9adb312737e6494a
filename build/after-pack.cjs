// electron-builder `afterPack` hook: flips the Electron fuses of the packaged binary before it is
// signed (fuses must be set before signing; Electron docs "Electron Fuses"). Signal flips its fuses
// in the same hook. Uses electron-builder's own @electron/fuses through `packager.addElectronFuses`.
'use strict';

/** The fuse settings of every DataSpace Node build, by @electron/fuses' FuseV1Options names. */
const FUSE_SETTINGS = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed binary into a general Node interpreter.
  RunAsNode: false,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS could inject code or trust anchors into the engine.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect would let anyone on the machine attach a debugger to the process holding the key.
  EnableNodeCliInspectArguments: false,
  // Load the app only from the (integrity-checked) app.asar, never from a loose app/ folder.
  OnlyLoadAppFromAsar: true,
  EnableEmbeddedAsarIntegrityValidation: true,
  // Chromium's cookie store is encrypted with the OS key (we keep no cookies, but it costs nothing).
  EnableCookieEncryption: true,
  // We serve the UI from app://, never file://; file pages get no extra privileges.
  GrantFileProtocolExtraPrivileges: false,
  LoadBrowserProcessSpecificV8Snapshot: false,
});

function loadFusesModule() {
  // Resolved through electron-builder so the enum matches the version it uses to flip.
  const fromBuilder = require.resolve('@electron/fuses', { paths: [require.resolve('app-builder-lib/package.json')] });
  return require(fromBuilder);
}

/** The @electron/fuses config for one packaged app. */
function fuseConfig(fuses, { electronPlatformName, arch }) {
  const ARM64 = 3; // builder-util Arch.arm64
  const config = {
    version: fuses.FuseVersion.V1,
    // Flipping fuses invalidates the ad-hoc signature of arm64 macOS builds; re-sign ad hoc so
    // unsigned test builds still start (release builds are signed properly right after).
    resetAdHocDarwinSignature: electronPlatformName === 'darwin' && arch === ARM64,
  };
  for (const [name, value] of Object.entries(FUSE_SETTINGS)) {
    const index = fuses.FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses has no fuse named ${name}.`);
    config[index] = value;
  }
  return config;
}

async function afterPack(context) {
  const config = fuseConfig(loadFusesModule(), context);
  await context.packager.addElectronFuses(context, config);
}

module.exports = afterPack;
module.exports.afterPack = afterPack;
module.exports.FUSE_SETTINGS = FUSE_SETTINGS;
module.exports.fuseConfig = fuseConfig;
module.exports.loadFusesModule = loadFusesModule;
