// Where files come in: drag and drop (files or whole folders), a file picker and a folder picker.
import { useRef, useState, type DragEvent } from 'react';
import type { FileToImport } from './api-client.ts';

// Hidden files (.DS_Store, .git) inside a picked folder are never clinical exports.
const isHidden = (path: string) => path.split('/').some((part) => part.startsWith('.'));

function fromFileList(list: FileList | null): FileToImport[] {
  return [...(list ?? [])]
    .map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }))
    .filter((f) => !isHidden(f.relativePath));
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call; call until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walkEntry(entry: FileSystemEntry, out: FileToImport[]): Promise<void> {
  const relativePath = entry.fullPath.replace(/^\/+/, '');
  if (isHidden(relativePath)) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ file, relativePath });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries((entry as FileSystemDirectoryEntry).createReader())) {
      await walkEntry(child, out);
    }
  }
}

async function fromDrop(entries: FileSystemEntry[], fallback: File[]): Promise<FileToImport[]> {
  if (entries.length === 0) return fallback.map((file) => ({ file, relativePath: file.name }));
  const out: FileToImport[] = [];
  for (const entry of entries) await walkEntry(entry, out);
  return out;
}

export function FileDropZone({
  disabled,
  onFiles,
}: {
  disabled: boolean;
  onFiles(files: FileToImport[]): void;
}) {
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    // Entries must be taken synchronously: the DataTransfer is emptied once the handler returns.
    const entries = [...event.dataTransfer.items]
      .map((item) => item.webkitGetAsEntry?.() ?? null)
      .filter((e): e is FileSystemEntry => e !== null);
    const fallback = [...event.dataTransfer.files];
    void fromDrop(entries, fallback).then(onFiles);
  };

  return (
    <div
      className={`drop-zone${dragging ? ' drop-zone-active' : ''}${disabled ? ' drop-zone-disabled' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        // Moving onto a child fires dragleave on the zone too; only leaving the zone counts.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
      data-testid="drop-zone"
    >
      <svg className="drop-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 3v12m0-12-4 4m4-4 4 4M4 15v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4" />
      </svg>
      <p className="drop-title">Drop FHIR exports, DICOM files or folders here</p>
      <p className="drop-hint">
        FHIR Bundles (.json) and bulk exports (.ndjson); DICOM Part 10 files, DICOMDIR media and
        whole folders of images. Files are read locally and de-identified before anything is stored.
      </p>
      <div className="drop-actions">
        <button
          type="button"
          className="button"
          disabled={disabled}
          onClick={() => fileInput.current?.click()}
        >
          Choose files…
        </button>
        <button
          type="button"
          className="button"
          disabled={disabled}
          onClick={() => folderInput.current?.click()}
        >
          Choose folder…
        </button>
      </div>
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        aria-label="Choose files to import"
        onChange={(e) => {
          onFiles(fromFileList(e.currentTarget.files));
          e.currentTarget.value = '';
        }}
      />
      <input
        ref={(el) => {
          folderInput.current = el;
          // Not in React's attribute types; a property set keeps it typed.
          if (el) el.webkitdirectory = true;
        }}
        type="file"
        multiple
        hidden
        data-testid="folder-input"
        aria-label="Choose a folder to import"
        onChange={(e) => {
          onFiles(fromFileList(e.currentTarget.files));
          e.currentTarget.value = '';
        }}
      />
    </div>
  );
}
