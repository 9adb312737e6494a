// The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, IR version 8)
// that our model builders write, encoded with protobufjs. Field numbers are onnx.proto's; proto2's
// optional scalars are written as proto3 here, which encodes identically when set.
import protobuf from 'protobufjs';

const ONNX_SCHEMA = `
syntax = "proto3";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  string name = 1;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  AttributeType type = 20;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; string doc_string = 3; }
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
  string domain = 7;
}
message StringStringEntryProto { string key = 1; string value = 2; }
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  enum DataType { UNDEFINED = 0; FLOAT = 1; }
  repeated int64 dims = 1;
  int32 data_type = 2;
  string name = 8;
  bytes raw_data = 9;
  string doc_string = 12;
}
message TensorShapeProto {
  message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  oneof value { Tensor tensor_type = 1; }
}
`;

export const ONNX_FLOAT = 1;
/** IR version 8 is the one that introduced opset 17 support (onnx/onnx docs/Versioning.md). */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

const root = protobuf.parse(ONNX_SCHEMA, { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

/** A float32 initializer: raw little-endian bytes, as onnx.proto allows for any fixed-width type. */
export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** One graph node. */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
}

/** A float32 graph input or output; a string dimension is symbolic (the batch size). */
export interface OnnxValueInfo {
  name: string;
  shape: (number | string)[];
}

/** What encodeOnnxModel needs: one graph, opset 17, float tensors. */
export interface OnnxModelSpec {
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  metadata: Record<string, string>;
  docString?: string;
  modelVersion?: number;
}

function tensorProto(t: OnnxTensor) {
  const bytes = new Uint8Array(t.data.length * 4);
  const view = new DataView(bytes.buffer);
  t.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name: t.name, dims: t.dims, data_type: ONNX_FLOAT, raw_data: bytes };
}

function valueInfo(v: OnnxValueInfo) {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: ONNX_FLOAT,
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const message = ModelProto.fromObject({
    ir_version: ONNX_IR_VERSION,
    producer_name: 'dataspace-node',
    producer_version: '1',
    model_version: spec.modelVersion ?? 1,
    doc_string: spec.docString ?? '',
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    metadata_props: Object.entries(spec.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName,
      node: spec.nodes.map((n, i) => ({ input: n.inputs, output: n.outputs, op_type: n.op, name: n.name ?? `${n.op.toLowerCase()}_${i}` })),
      initializer: spec.initializers.map(tensorProto),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  });
  return ModelProto.encode(message).finish();
}

/** Decodes the metadata_props of ONNX bytes (for model cards and tests). */
export function onnxMetadata(bytes: Uint8Array): Record<string, string> {
  const decoded = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as { metadata_props?: { key: string; value: string }[] };
  return Object.fromEntries((decoded.metadata_props ?? []).map((e) => [e.key, e.value]));
}

/** The float32 initializers of ONNX bytes by name (raw_data only, as our builders write them). */
export function onnxFloatInitializers(bytes: Uint8Array): Map<string, OnnxTensor> {
  const decoded = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as {
    graph?: { initializer?: { name: string; dims?: number[]; data_type?: number; raw_data?: Uint8Array }[] };
  };
  const out = new Map<string, OnnxTensor>();
  for (const t of decoded.graph?.initializer ?? []) {
    if (t.data_type !== ONNX_FLOAT || !t.raw_data || t.raw_data.length % 4 !== 0) continue;
    const view = new DataView(t.raw_data.buffer, t.raw_data.byteOffset, t.raw_data.byteLength);
    const data = new Float32Array(t.raw_data.length / 4);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
    out.set(t.name, { name: t.name, dims: t.dims ?? [], data });
  }
  return out;
}
