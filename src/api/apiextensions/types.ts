// The apiextensions.k8s.io/v1 shapes this folder works on, from the generated API types.
export type {
  CustomResourceColumnDefinition,
  CustomResourceDefinition,
  CustomResourceDefinitionNames,
  CustomResourceSubresources,
  JSONSchemaProps,
  ValidationRule,
} from '../types/generated.js';
