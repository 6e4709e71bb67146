/**
 * The platform's policy pack: `pulumi preview --policy-pack policy` (and `up`) runs every rule of
 * rules/ over the stack's resources. Mandatory rules stop the update; advisory ones are listed. The
 * pack takes no configuration from the stack, so no customer stack file can turn a rule off.
 */
import { PolicyPack } from "@pulumi/policy";
import { toPolicy } from "./engine";
import { RULES } from "./rules";

new PolicyPack("dedicated-platform", { policies: RULES.map(toPolicy) });
