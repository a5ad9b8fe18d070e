/** App Mesh's error types with their HTTP statuses (AWS-FACTS.md, and the model's error shapes). */
import { AwsApiError } from '../contracts';

export const badRequest = (message: string): AwsApiError => new AwsApiError('BadRequestException', 400, message);
export const notFound = (message: string): AwsApiError => new AwsApiError('NotFoundException', 404, message);
export const conflict = (message: string): AwsApiError => new AwsApiError('ConflictException', 409, message);
export const resourceInUse = (message: string): AwsApiError => new AwsApiError('ResourceInUseException', 409, message);
export const limitExceeded = (message: string): AwsApiError => new AwsApiError('LimitExceededException', 400, message);
export const tooManyTags = (message: string): AwsApiError => new AwsApiError('TooManyTagsException', 400, message);
