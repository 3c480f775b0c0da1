import type { ContainerClient } from '@azure/storage-blob';
import { StoreLimitError } from '../errors.js';
import { checkRecordAddress, type DocumentBox } from '../primitives.js';
import { statusOf } from './table-records.js';

/** Documents (last reports) as block blobs of one container. */
export class BlobDocumentBox implements DocumentBox {
  constructor(private readonly container: ContainerClient) {}

  async read(name: string, maxBytes: number): Promise<string | undefined> {
    checkRecordAddress('documents', name);
    const blob = this.container.getBlockBlobClient(`${name}.json`);
    try {
      const properties = await blob.getProperties();
      if ((properties.contentLength ?? 0) > maxBytes) throw new StoreLimitError(`stored document ${name} is larger than ${maxBytes} bytes`);
      // Only the bytes measured above, even if the blob grew in between.
      return (await blob.downloadToBuffer(0, properties.contentLength ?? 0)).toString('utf8');
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async write(name: string, text: string): Promise<void> {
    checkRecordAddress('documents', name);
    const body = Buffer.from(text, 'utf8');
    await this.container.getBlockBlobClient(`${name}.json`).upload(body, body.length, { blobHTTPHeaders: { blobContentType: 'application/json' } });
  }

  async delete(name: string): Promise<void> {
    checkRecordAddress('documents', name);
    await this.container.getBlockBlobClient(`${name}.json`).deleteIfExists();
  }
}
