import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ClassEntity } from '../entities/thread.entities';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';

/** Classes as messaging knows them (from teacher launches): school, title and grade. */
@Injectable()
export class ClassesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the class of a teacher's launch (title and school may change in the LMS). */
  async touch(input: {
    classId: string;
    schoolOrgNodeId: string;
    title: string;
  }): Promise<ClassEntity> {
    const repo = this.dataSource.getRepository(ClassEntity);
    const existing = await repo.findOne({ where: { classId: input.classId } });
    if (!existing) {
      await repo.insert({ ...input, title: input.title.slice(0, 300), grade: null });
    } else if (
      existing.title !== input.title ||
      existing.schoolOrgNodeId !== input.schoolOrgNodeId
    ) {
      await repo.update(
        { classId: input.classId },
        { title: input.title.slice(0, 300), schoolOrgNodeId: input.schoolOrgNodeId },
      );
    }
    return repo.findOneByOrFail({ classId: input.classId });
  }

  async get(classId: string): Promise<ClassEntity> {
    const c = await this.dataSource.getRepository(ClassEntity).findOne({ where: { classId } });
    if (!c) {
      throw new MessagingException(MessagingErrorCode.CLASS_UNKNOWN, 'Unknown class.', { classId });
    }
    return c;
  }

  async setGrade(classId: string, grade: number | null): Promise<void> {
    if (grade !== null && (!Number.isInteger(grade) || grade < 1 || grade > 12)) {
      throw new MessagingException(MessagingErrorCode.AUDIENCE_INVALID, 'Grade 1-12.');
    }
    await this.dataSource.getRepository(ClassEntity).update({ classId }, { grade });
  }

  async forSchool(schoolOrgNodeId: string): Promise<ClassEntity[]> {
    return this.dataSource
      .getRepository(ClassEntity)
      .find({ where: { schoolOrgNodeId }, order: { grade: 'ASC', title: 'ASC' } });
  }
}
