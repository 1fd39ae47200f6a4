// The ONNX model as the importer reads it: plain records of the ModelProto fields it uses, with
// tensors decoded to float64 values (ints included) so the kinds' readings see one form.

export type OnnxAttrValue = number | string | number[] | string[] | OnnxTensorValue;

export interface OnnxTensorValue {
  readonly name: string;
  /** TensorProto.DataType (1 float, 6 int32, 7 int64, 11 double, ...). */
  readonly dataType: number;
  readonly shape: number[];
  readonly values: Float64Array;
}

export interface OnnxNodeIn {
  readonly opType: string;
  readonly domain: string;
  /** The node's name, or `<opType>_<index>` when the file leaves it empty. */
  readonly name: string;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attributes: Map<string, OnnxAttrValue>;
}

export interface OnnxValueIn {
  readonly name: string;
  readonly dataType: number;
  readonly dims: (number | string)[] | null;
}

export interface OnnxModelIn {
  readonly irVersion: number;
  /** The default domain's opset (ai.onnx). */
  readonly opset: number;
  readonly producer: string;
  readonly nodes: OnnxNodeIn[];
  readonly initializers: Map<string, OnnxTensorValue>;
  /** Graph inputs that are not initializers (older exporters list initializers as inputs too). */
  readonly inputs: OnnxValueIn[];
  readonly outputs: OnnxValueIn[];
}
