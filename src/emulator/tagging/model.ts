/**
 * The Resource Groups Tagging API's GetResources, as a service model in code. The model is not vendored into
 * aws-models/ (that folder must equal the shared copy, test/schemas/generated.test.ts): its shapes were read from
 * the SDK client (@aws-sdk/client-resource-groups-tagging-api's schemas: json 1.1, target prefix
 * ResourceGroupsTaggingAPI_20170126, endpoint prefix `tagging`) and botocore's resourcegroupstaggingapi 2017-01-26
 * model; only the constraints the emulator validates are kept.
 */
import type { ServiceModel } from '../model';

export const TAGGING_MODEL: ServiceModel = {
  metadata: {
    apiVersion: '2017-01-26',
    endpointPrefix: 'tagging',
    protocol: 'json',
    targetPrefix: 'ResourceGroupsTaggingAPI_20170126',
    serviceId: 'Resource Groups Tagging API',
  },
  operations: {
    GetResources: {
      name: 'GetResources',
      http: { method: 'POST', requestUri: '/' },
      input: { shape: 'GetResourcesInput' },
      output: { shape: 'GetResourcesOutput' },
      errors: [
        { shape: 'InvalidParameterException' },
        { shape: 'ThrottledException' },
        { shape: 'InternalServiceException' },
        { shape: 'PaginationTokenExpiredException' },
      ],
    },
  },
  shapes: {
    GetResourcesInput: {
      type: 'structure',
      members: {
        PaginationToken: { shape: 'PaginationToken' },
        TagFilters: { shape: 'TagFilterList' },
        ResourcesPerPage: { shape: 'Integer' },
        TagsPerPage: { shape: 'Integer' },
        ResourceTypeFilters: { shape: 'ResourceTypeFilterList' },
        IncludeComplianceDetails: { shape: 'Boolean' },
        ExcludeCompliantResources: { shape: 'Boolean' },
        ResourceARNList: { shape: 'ResourceARNListForGet' },
      },
    },
    GetResourcesOutput: {
      type: 'structure',
      members: {
        PaginationToken: { shape: 'PaginationToken' },
        ResourceTagMappingList: { shape: 'ResourceTagMappingList' },
      },
    },
    PaginationToken: { type: 'string', min: 0, max: 2048 },
    TagFilterList: { type: 'list', member: { shape: 'TagFilter' }, min: 0, max: 50 },
    TagFilter: { type: 'structure', members: { Key: { shape: 'TagKey' }, Values: { shape: 'TagValueList' } } },
    TagKey: { type: 'string', min: 1, max: 128 },
    TagValueList: { type: 'list', member: { shape: 'TagValue' }, min: 0, max: 20 },
    TagValue: { type: 'string', min: 0, max: 256 },
    Integer: { type: 'integer' },
    Boolean: { type: 'boolean' },
    ResourceTypeFilterList: { type: 'list', member: { shape: 'AmazonResourceType' } },
    AmazonResourceType: { type: 'string', min: 0, max: 256 },
    ResourceARNListForGet: { type: 'list', member: { shape: 'ResourceARN' }, min: 1, max: 100 },
    ResourceARN: { type: 'string', min: 1, max: 1011 },
    ResourceTagMappingList: { type: 'list', member: { shape: 'ResourceTagMapping' } },
    ResourceTagMapping: {
      type: 'structure',
      members: { ResourceARN: { shape: 'ResourceARN' }, Tags: { shape: 'TagList' } },
    },
    TagList: { type: 'list', member: { shape: 'Tag' } },
    Tag: {
      type: 'structure',
      required: ['Key', 'Value'],
      members: { Key: { shape: 'TagKey' }, Value: { shape: 'TagValue' } },
    },
    InvalidParameterException: {
      type: 'structure',
      members: { Message: { shape: 'ExceptionMessage' } },
      exception: true,
    },
    ThrottledException: { type: 'structure', members: { Message: { shape: 'ExceptionMessage' } }, exception: true },
    PaginationTokenExpiredException: {
      type: 'structure',
      members: { Message: { shape: 'ExceptionMessage' } },
      exception: true,
    },
    InternalServiceException: {
      type: 'structure',
      members: { Message: { shape: 'ExceptionMessage' } },
      exception: true,
      fault: true,
    },
    ExceptionMessage: { type: 'string', min: 0, max: 2048 },
  },
};
