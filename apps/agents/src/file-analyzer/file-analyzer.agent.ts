import { Injectable } from '@nestjs/common';
import { AGENT_NAMES, AGENT_TASKS, AnalyzeFileInputDto, ScanDirectoryInputDto } from '@nitro/contracts';
import { Agent, AgentTask } from '../registry/agent.types';
import { AgentRegistry } from '../registry/agent-registry.service';
import { FileAnalysisService } from './file-analysis.service';
import { WorkspaceScannerService } from './workspace-scanner.service';

/** FileAnalyzerAgent: one uploaded file in depth, or a folder of the workspace at a glance. */
@Injectable()
export class FileAnalyzerAgent implements Agent {
  readonly name = AGENT_NAMES.file;
  readonly description =
    'Reads the real type of a file from its bytes and describes it (text, CSV, JSON, PDF, image with EXIF, ZIP listing), then summarises it with the LLM; scans workspace folders.';
  readonly tasks: AgentTask[] = [
    {
      name: AGENT_TASKS.analyzeFile,
      description: 'Analyse one file: POST /agent/file-analyze (multipart), or content_base64 here for small files.',
      input: AnalyzeFileInputDto,
      schedulable: false, // an upload is consumed once; there is nothing to re-read on the next tick
      run: (input: AnalyzeFileInputDto, ctx) => this.files.analyzeInput(input, ctx.user_id),
    },
    {
      name: AGENT_TASKS.scanDirectory,
      description: 'List and classify the files of a folder inside the workspace root, within depth, file-count and byte limits.',
      input: ScanDirectoryInputDto,
      schedulable: true,
      run: (input: ScanDirectoryInputDto) => this.scanner.scan(input),
    },
  ];

  constructor(
    private readonly files: FileAnalysisService,
    private readonly scanner: WorkspaceScannerService,
    registry: AgentRegistry,
  ) {
    registry.register(this);
  }
}
