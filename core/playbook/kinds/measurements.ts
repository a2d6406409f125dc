/**
 * The `measurements` section: bindings the audit must prove, each a value reference that must equal another,
 * e.g. the SHA-256 of a release's registered security policy equals an expected value.
 *
 * @module
 */

import { stringNode } from "../_yaml.ts";
import type { ValueRef } from "../reference.ts";
import { showValue, valuesEqual } from "../value.ts";
import { finding, REFERENCE_SHAPE } from "./_common.ts";
import type { EvidenceKind, RunContext } from "./kind.ts";

/** One `measurements` item. */
export interface MeasurementItem {
  /** Its index in the section. */
  readonly index: number;
  /** What the binding proves, in words. */
  readonly name: string;
  /** The measured value. */
  readonly value: ValueRef;
  /** The value it must equal. */
  readonly equals: ValueRef;
}

async function evaluateMeasurement(item: MeasurementItem, context: RunContext): Promise<void> {
  const base = { id: `measurement.${item.index}`, kind: "measurement", subject: item.name } as const;
  const value = await context.resolve(item.value);
  const equals = await context.resolve(item.equals);
  const details = {
    value: { ref: item.value.text, ...(value.ok ? { value: showValue(value.value) } : {}) },
    equals: { ref: item.equals.text, ...(equals.ok ? { value: showValue(equals.value) } : {}) },
  };
  if (!value.ok || !equals.ok) {
    const message = !value.ok ? value.message : !equals.ok ? equals.message : "";
    context.add(finding({ ...base, status: "fail", message }, { code: "PLAYBOOK_REFERENCE", details }));
    return;
  }
  const same = valuesEqual(value.value, equals.value);
  context.add(finding({
    ...base,
    status: same === true ? "pass" : "fail",
    message: same === true
      ? `${item.name}: ${item.value.text} equals ${item.equals.text}`
      : same === false
      ? `${item.name}: ${item.value.text} does not equal ${item.equals.text}`
      : `${item.equals.at}: ${item.name}: ${same}`,
  }, { details }));
}

/** The `measurements` kind. */
export const measurementsKind: EvidenceKind<MeasurementItem> = {
  section: "measurements",
  description: "Bindings the audit must prove: a value reference that must equal another.",
  item: {
    type: "object",
    description: "One binding.",
    fields: {
      name: { shape: { type: "string", description: "What the binding proves, in words." }, required: true },
      value: {
        shape: { ...REFERENCE_SHAPE, description: `The measured value. ${REFERENCE_SHAPE.description}` },
        required: true,
      },
      equals: {
        shape: { ...REFERENCE_SHAPE, description: `The value it must equal. ${REFERENCE_SHAPE.description}` },
        required: true,
      },
    },
  },
  build(node, path, context) {
    const value = context.reference(stringNode(node, "value")!, `${path}.value`);
    const equalsNode = stringNode(node, "equals")!;
    const equals = context.reference(equalsNode, `${path}.equals`);
    if (value.type !== "json" && equals.type !== "json" && value.type !== equals.type) {
      context.fail(
        "PLAYBOOK_REFERENCE",
        equalsNode,
        `${path} compares ${value.type} with ${equals.type}: add a pipe such as 'hex', 'utf8' or 'json <path>' so both sides have one type`,
      );
    }
    return Promise.resolve({
      index: Number(/\[(\d+)\]$/.exec(path)![1]),
      name: stringNode(node, "name")!.value,
      value,
      equals,
    });
  },
  async evaluate(items, context) {
    for (const item of items) await evaluateMeasurement(item, context);
  },
};
