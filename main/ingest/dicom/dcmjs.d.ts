// dcmjs ships no type declarations; this is the part of its runtime we use: the PS3.6 data
// dictionary (VR lookups for Implicit VR) and DicomDict (writing test fixtures).
declare module 'dcmjs' {
  interface DcmjsDictionaryEntry {
    tag: string;
    vr: string;
    name: string;
  }
  interface DcmjsDicomDict {
    dict: Record<string, unknown>;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomMetaDictionary: { dictionary: Record<string, DcmjsDictionaryEntry | undefined> };
      DicomDict: new (meta: Record<string, unknown>) => DcmjsDicomDict;
    };
  };
  export default dcmjs;
}
