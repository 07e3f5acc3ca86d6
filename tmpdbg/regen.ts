import * as fs from "fs";
import { memberRolePolicy } from "../infra/memberRole";
const f = "docs/accounts.md";
const doc = fs.readFileSync(f, "utf8");
const start = doc.indexOf("```json", doc.indexOf("```json") + 1);
const lines = doc.split("\n");
// find the json block containing "Sid" statements of the permissions policy
const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)];
const target = blocks.find((b) => b[1].includes("BucketsOfTheComponent"))!;
const policy = JSON.stringify(memberRolePolicy({ partition: "aws", account: "<member-account-id>" }), null, 2);
fs.writeFileSync(f, doc.replace(target[1], policy + "\n"));
console.log("replaced", target.index, start, lines.length);
