// Pixel data the Basic Profile cannot make safe: the profile only touches the header, so an
// instance whose pixels may show text (names, dates, IDs) is quarantined for review instead
// (PS3.15 E.1.1: burned-in annotation needs the Clean Pixel Data Option, which we do not offer).
import type { DicomDataset } from '../../ingest/dicom/dicom-dataset.ts';
import { stringValue } from '../../ingest/dicom/dicom-dataset.ts';
import { Tags } from '../../ingest/dicom/dicom-tag.ts';

/** SOP classes whose images routinely carry burned-in text or faces without saying so (PS3.4 Annex B). */
const RISKY_SOP_CLASSES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.10008.5.1.4.1.1.7', 'Secondary Capture (screen capture)'],
  ['1.2.840.10008.5.1.4.1.1.7.1', 'Multi-frame Single Bit Secondary Capture'],
  ['1.2.840.10008.5.1.4.1.1.7.2', 'Multi-frame Grayscale Byte Secondary Capture'],
  ['1.2.840.10008.5.1.4.1.1.7.3', 'Multi-frame Grayscale Word Secondary Capture'],
  ['1.2.840.10008.5.1.4.1.1.7.4', 'Multi-frame True Color Secondary Capture'],
  ['1.2.840.10008.5.1.4.1.1.6', 'Ultrasound Image (retired)'],
  ['1.2.840.10008.5.1.4.1.1.6.1', 'Ultrasound Image'],
  ['1.2.840.10008.5.1.4.1.1.6.2', 'Enhanced US Volume'],
  ['1.2.840.10008.5.1.4.1.1.3', 'Ultrasound Multi-frame Image (retired)'],
  ['1.2.840.10008.5.1.4.1.1.3.1', 'Ultrasound Multi-frame Image'],
  ['1.2.840.10008.5.1.4.1.1.104.1', 'Encapsulated PDF'],
  ['1.2.840.10008.5.1.4.1.1.104.2', 'Encapsulated CDA'],
  ['1.2.840.10008.5.1.4.1.1.104.3', 'Encapsulated STL'],
  ['1.2.840.10008.5.1.4.1.1.104.4', 'Encapsulated OBJ'],
  ['1.2.840.10008.5.1.4.1.1.104.5', 'Encapsulated MTL'],
  ['1.2.840.10008.5.1.4.1.1.77.1.1', 'VL Endoscopic Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.1.1', 'Video Endoscopic Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.2', 'VL Microscopic Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.2.1', 'Video Microscopic Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.3', 'VL Slide-Coordinates Microscopic Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.4', 'VL Photographic Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.4.1', 'Video Photographic Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.5.1', 'Ophthalmic Photography 8 Bit Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.5.2', 'Ophthalmic Photography 16 Bit Image'],
  ['1.2.840.10008.5.1.4.1.1.77.1.6', 'VL Whole Slide Microscopy Image (slide labels)'],
]);

/** Why this instance must not be released without pixel review, or null. */
export function burnedInAnnotationRisk(dataset: DicomDataset, sopClassUid: string): string | null {
  if (stringValue(dataset, Tags.BurnedInAnnotation)?.toUpperCase() === 'YES') {
    return 'Burned In Annotation (0028,0301) is YES: identifying text may be in the pixels';
  }
  if (stringValue(dataset, Tags.RecognizableVisualFeatures)?.toUpperCase() === 'YES') {
    return 'Recognizable Visual Features (0028,0302) is YES: the pixels may show a face';
  }
  const risky = RISKY_SOP_CLASSES.get(sopClassUid);
  return risky ? `${risky} instances commonly carry burned-in identifying text` : null;
}
