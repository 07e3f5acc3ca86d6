import { planIndex } from "../scripts/mockRuntime";
(async () => {
  for (const extra of [{ "golden-ami-assessment:accounts": JSON.stringify([{ id: "111111111111", roleArn: "arn:aws:iam::111111111111:role/x" }]) }, {}, { "golden-ami-assessment:digestSchedule": "rate(1 day)" }, {}]) {
  try {
    const p = await planIndex({ stack: "dev", config: { "aws:region": "eu-west-1", "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }), ...extra } });
    console.log("ok", p.resources.length);
  } catch (e) { console.log("ERR", (e as Error).stack?.slice(0, 1500)); }
  }
})();
