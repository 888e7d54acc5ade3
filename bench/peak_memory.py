"""The script both memory benches run with `python -c`: it pipes the generator (argv 1, with the row
count in argv 2) into the command (argv 3...), prints the command's first two lines of output, then
the peak resident memory of its children in KiB."""

MEASURE = """
import resource, subprocess, sys
generator = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.PIPE)
done = subprocess.run(sys.argv[3:], stdin=generator.stdout, capture_output=True, text=True)
generator.wait()
print("\\n".join(done.stdout.splitlines()[:2]))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
