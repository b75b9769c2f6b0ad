Console.WriteLine("up");
