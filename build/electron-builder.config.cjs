// electron-builder configuration for DataSpace Node (`npm run dist`, scripts/dist.mjs).
// Exported as a function of the environment so signing identities and release mode come from CI
// secrets, never from the repository. tests/unit/build-config.test.ts validates it against
// electron-builder's own schema.
'use strict';

/** Per-platform onnxruntime-node binaries: ship only the target OS's (they are ~70–130 MB each). */
function onlyOnnxRuntimeFor(platform) {
  return ['darwin', 'linux', 'win32']
    .filter((other) => other !== platform)
    .map((other) => `!**/node_modules/onnxruntime-node/bin/napi-v*/${other}/**`);
}

/** @param {NodeJS.ProcessEnv} env @returns {import('app-builder-lib').Configuration} */
function createBuilderConfig(env = process.env) {
  const release = env.DATASPACE_RELEASE === '1' && Boolean(env.CI);
  const macIdentity = env.DATASPACE_MAC_SIGNING_IDENTITY;
  // @electron/notarize reads these itself; we only decide whether to notarize at all.
  const canNotarize = Boolean(
    (env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER) ||
      (env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID) ||
      (env.APPLE_KEYCHAIN && env.APPLE_KEYCHAIN_PROFILE),
  );

  return {
    appId: 'org.dataspace.node',
    productName: 'DataSpace Node',
    executableName: 'dataspace-node',
    copyright: 'Copyright © DataSpace Consortium',
    artifactName: 'dataspace-node-${version}-${os}-${arch}.${ext}',
    directories: { output: 'dist', buildResources: 'build' },

    // The main process and engine workers are esbuild bundles (scripts/build-electron.mjs); only
    // the externals (Electron, better-sqlite3, onnxruntime-node) come from node_modules, which
    // electron-builder copies without devDependencies.
    files: [
      'package.json',
      'electron/dist/**/*',
      '!electron/dist/**/*.map',
      'renderer/dist/**/*',
      // The Node-ABI build and the C sources of better-sqlite3 are useless in the app: Electron
      // loads the build from .native/electron (extraResources below).
      '!**/node_modules/better-sqlite3/{build,deps,src}/**',
      '!**/node_modules/*/{README.md,CHANGELOG.md,*.d.ts,*.map}',
    ],
    asar: true,
    // Native addons and the libraries next to them cannot be loaded from inside an asar
    // (Signal package.json "asarUnpack"). The worker bundles can: Electron reads asar in worker
    // threads since electron/electron#33216.
    asarUnpack: ['**/*.node', '**/node_modules/better-sqlite3/**', '**/node_modules/onnxruntime-node/**'],
    extraResources: [
      // Real files under process.resourcesPath (DATASPACE_APP_ROOT in the packaged app): onnxruntime
      // reads models natively, and IT can inspect the model cards and de-identification tables.
      { from: 'models', to: 'models', filter: ['**/*'] },
      { from: 'resources', to: 'resources', filter: ['**/*'] },
      // better-sqlite3 built for Electron's ABI by scripts/rebuild-native-electron.mjs.
      { from: '.native/electron', to: '.native/electron', filter: ['better_sqlite3.node', 'build-info.json'] },
    ],
    // Never rebuild node_modules in place: that would swap the Node build `npm test` and the CLI
    // use for an Electron one. The Electron build lives in .native/electron instead.
    npmRebuild: false,
    buildDependenciesFromSource: false,
    afterPack: './build/after-pack.cjs',
    forceCodeSigning: release,
    publish: null,

    linux: {
      target: ['AppImage', 'deb'],
      category: 'Science',
      maintainer: 'DataSpace Consortium <it@dataspace.org>',
      vendor: 'DataSpace Consortium',
      synopsis: 'Local de-identified research store and consortium node',
      files: onlyOnnxRuntimeFor('linux'),
    },
    deb: {
      packageCategory: 'science',
      priority: 'optional',
    },

    win: {
      target: ['nsis', 'msi'],
      files: onlyOnnxRuntimeFor('win32'),
      // Native addons are DLLs: sign them too (Signal "signExts").
      signExts: ['.node'],
      signtoolOptions: {
        sign: './build/sign-windows.cjs',
        signingHashAlgorithms: ['sha256'],
        publisherName: ['DataSpace Consortium'],
      },
    },
    nsis: {
      oneClick: false,
      // The installer asks "for me / for all users"; IT can force all users with /allusers.
      perMachine: false,
      allowElevation: true,
      allowToChangeInstallationDirectory: true,
      // The data folder holds the research store and its key: an uninstall never deletes it.
      deleteAppDataOnUninstall: false,
    },
    msi: {
      // For software distribution by IT (GPO, Intune, SCCM): always per machine, silent-friendly.
      perMachine: true,
      oneClick: true,
      // Fixed forever, so every future MSI upgrades this product in place.
      upgradeCode: '6f1c2f7e-3a56-4f0e-9d8f-5a9f2a6c8b31',
      createDesktopShortcut: false,
    },

    mac: {
      target: ['dmg'],
      category: 'public.app-category.medical',
      files: onlyOnnxRuntimeFor('darwin'),
      hardenedRuntime: true,
      gatekeeperAssess: false,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.plist',
      // Developer ID Application identity from CI; unset means electron-builder looks in the keychain.
      ...(macIdentity ? { identity: macIdentity } : {}),
      notarize: canNotarize,
    },
    dmg: {
      writeUpdateInfo: false,
    },
  };
}

module.exports = function builderConfig() {
  return createBuilderConfig(process.env);
};
module.exports.createBuilderConfig = createBuilderConfig;
