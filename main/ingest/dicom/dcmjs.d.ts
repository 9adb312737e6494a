// dcmjs ships no type declarations; this is the part of its runtime we use: the PS3.6 data
// dictionary (the source of resources/dicom/ps36-vr-dictionary.json) and DicomDict (writing test
// fixtures and the sample data).
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
      DicomMetaDictionary: {
        dictionary: Record<string, DcmjsDictionaryEntry | undefined>;
        nameMap: Record<string, DcmjsDictionaryEntry>;
      };
      DicomDict: new (meta: Record<string, unknown>) => DcmjsDicomDict;
    };
  };
  export default dcmjs;
}
