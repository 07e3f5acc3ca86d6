// Mocha's settings. The whole suite runs by default (npm test); naming test files on the command
// line (npx mocha tests/x.test.ts) runs just those, instead of those plus the whole suite.
const named = process.argv.slice(2).some((arg) => !arg.startsWith("-") && /\.test\.ts$/.test(arg));
module.exports = {
    require: ["ts-node/register/transpile-only"],
    extension: ["ts"],
    ...(named ? {} : { spec: ["tests/**/*.test.ts"] }),
    timeout: 120000,
    reporter: "./scripts/mochaReporter.js",
};
