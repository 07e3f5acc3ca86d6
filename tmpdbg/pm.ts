import { planIndex } from "../scripts/mockRuntime";
const MEMBER = "111111111111"; const ROLE = `arn:aws:iam::${MEMBER}:role/gaa-deployer`;
(async () => {
  for (const extra of [{}, { "golden-ami-assessment:scanMode": "agentless" }]) {
  try {
    const p = await planIndex({ stack: "dev", config: { "aws:region": "eu-west-1", "golden-ami-assessment:amiTags": JSON.stringify({ golden: "true" }), "golden-ami-assessment:accounts": JSON.stringify([{ id: MEMBER, roleArn: ROLE }]), ...extra } });
    console.log("ok", p.resources.length);
  } catch (e) { console.log("ERR", (e as Error).stack?.slice(0, 1500)); }
  }
})();
