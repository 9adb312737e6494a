// First run: offers to fill the empty store with synthetic patients, so the app can be tried before
// real exports are at hand. Labelled plainly: these are generated, not real patients.
export function SampleDataPanel({ disabled, onLoad }: { disabled: boolean; onLoad(): void }) {
  return (
    <section className="panel sample-data-panel" aria-labelledby="sample-data-title" data-testid="sample-data-panel">
      <div className="panel-head">
        <h3 id="sample-data-title">Load sample data (synthetic, not real patients)</h3>
        <button type="button" className="button" disabled={disabled} onClick={onLoad}>
          Load sample data
        </button>
      </div>
      <p className="muted">
        The store is empty. To look around first, this generates 1,000 synthetic patients on this
        computer — FHIR records, DICOM images and genotypes, with a few deliberately malformed
        records — and imports them like any export. The store is then marked as holding synthetic
        data, and the header says so.
      </p>
    </section>
  );
}
