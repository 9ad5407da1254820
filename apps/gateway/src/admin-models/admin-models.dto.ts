import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { MODEL_PULL_JOB_ID_PATTERN } from '@nitro/contracts';

export class PullJobIdParam {
  @ApiProperty({ pattern: MODEL_PULL_JOB_ID_PATTERN.source, example: 'pull-5f0c3a9e2b7d4c1a8e6f0b3d' })
  @IsString()
  @Matches(MODEL_PULL_JOB_ID_PATTERN, {
    message: 'job_id must be a model pull id: "pull-" and 24 hex digits, as POST /admin/models/pull answered',
  })
  job_id!: string;
}
